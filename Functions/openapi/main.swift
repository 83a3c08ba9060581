import Catalog
import Platform
import Runtime

Runtime.main(OpenAPIHandler.self)
