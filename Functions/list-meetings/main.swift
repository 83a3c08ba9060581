import Meetings
import Runtime

Runtime.main(ListMeetingsHandler.self)
