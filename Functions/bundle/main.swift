// The one executable: every function of the bundle, picked by the name it was started under
// (`bin/enrich` links here) or by `bundle <function>`. Adding a function is one entry in Catalog.
import Adapters
import Catalog

Launcher.main(Catalog.functions)
