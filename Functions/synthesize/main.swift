import Meetings
import Runtime

Runtime.main(SynthesizeHandler.self)
