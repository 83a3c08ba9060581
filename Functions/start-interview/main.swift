import Candidates
import Runtime

Runtime.main(StartInterviewHandler.self)
