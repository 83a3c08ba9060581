import Meetings
import Runtime

Runtime.main(EnrichHandler.self)
