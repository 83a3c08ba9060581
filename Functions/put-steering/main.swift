import Meetings
import Runtime

Runtime.main(PutSteeringHandler.self)
