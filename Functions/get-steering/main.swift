import Meetings
import Runtime

Runtime.main(GetSteeringHandler.self)
