import Meetings
import Runtime

Runtime.main(DraftEmailsHandler.self)
