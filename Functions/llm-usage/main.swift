import Platform
import Runtime

Runtime.main(LLMUsageHandler.self)
