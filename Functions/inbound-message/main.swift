import Interviews
import Runtime

Runtime.main(InboundMessageHandler.self)
