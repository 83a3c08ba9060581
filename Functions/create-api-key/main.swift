import Catalog
import Platform
import Runtime

Runtime.main(CreateAPIKeyHandler.self)
