import Interviews
import Runtime

Runtime.main(ListExtractionsHandler.self)
