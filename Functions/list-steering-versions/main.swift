import Meetings
import Runtime

Runtime.main(ListSteeringVersionsHandler.self)
