import Catalog
import Platform
import Runtime

Runtime.main(RevokeAPIKeyHandler.self)
