import Candidates
import Runtime

Runtime.main(ScoreCandidatesHandler.self)
