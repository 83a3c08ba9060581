import Interviews
import Runtime

Runtime.main(MessageStatusHandler.self)
