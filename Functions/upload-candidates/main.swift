import Candidates
import Runtime

Runtime.main(UploadCandidatesHandler.self)
