import Catalog
import Platform
import Runtime

Runtime.main(EnqueueHandler.self)
