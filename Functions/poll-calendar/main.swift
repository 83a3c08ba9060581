import Meetings
import Runtime

Runtime.main(PollCalendarHandler.self)
