import Platform
import Runtime

await Runtime.main(LLMCheckHandler.self)
