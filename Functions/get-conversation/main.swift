import Interviews
import Runtime

Runtime.main(GetConversationHandler.self)
