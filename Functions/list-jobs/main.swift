import Catalog
import Platform
import Runtime

Runtime.main(ListJobsHandler.self)
