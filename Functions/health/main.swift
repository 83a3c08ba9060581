import Platform
import Runtime

await Runtime.main(HealthHandler.self)
