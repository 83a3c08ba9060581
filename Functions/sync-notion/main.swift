import Meetings
import Runtime

Runtime.main(SyncNotionHandler.self)
