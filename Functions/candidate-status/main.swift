import Candidates
import Runtime

Runtime.main(CandidateStatusHandler.self)
