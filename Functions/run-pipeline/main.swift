import Meetings
import Runtime

Runtime.main(RunPipelineHandler.self)
