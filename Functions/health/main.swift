import Platform
import Runtime

Runtime.main(HealthHandler.self)
