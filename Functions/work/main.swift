import Catalog
import Platform
import Runtime

Runtime.main(WorkHandler.self)
