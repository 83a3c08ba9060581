import Meetings
import Runtime

Runtime.main(GetMeetingHandler.self)
