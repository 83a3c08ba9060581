import Catalog
import Platform
import Runtime

Runtime.main(GetJobHandler.self)
