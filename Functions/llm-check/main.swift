import Platform
import Runtime

Runtime.main(LLMCheckHandler.self)
