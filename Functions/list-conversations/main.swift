import Interviews
import Runtime

Runtime.main(ListConversationsHandler.self)
