import Candidates
import Runtime

Runtime.main(GetCandidateHandler.self)
