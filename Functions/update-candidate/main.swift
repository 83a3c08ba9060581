import Candidates
import Runtime

Runtime.main(UpdateCandidateHandler.self)
