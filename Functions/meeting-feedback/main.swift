import Meetings
import Runtime

Runtime.main(MeetingFeedbackHandler.self)
