import Platform
import Runtime

await Runtime.main(LLMUsageHandler.self)
