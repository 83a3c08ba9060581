import Catalog
import Gateway

Dispatcher.main(manifests: Catalog.manifests)
