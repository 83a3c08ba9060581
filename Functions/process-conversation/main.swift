import Interviews
import Runtime

Runtime.main(ProcessConversationHandler.self)
