import Candidates
import Runtime

Runtime.main(PutRoleHandler.self)
