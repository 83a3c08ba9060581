import Candidates
import Runtime

Runtime.main(ListCandidatesHandler.self)
