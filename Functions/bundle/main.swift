// The one executable: every function of the bundle, picked by the name it was started under
// (`bin/enrich` links here) or by `bundle <function>`. Adding a function is one entry in Catalog;
// adding a table is one migration in its module's `<Module>Schema`, listed in Catalog.migrations.
import Adapters
import Catalog

Launcher.main(Catalog.functions, migrations: Catalog.migrations)
