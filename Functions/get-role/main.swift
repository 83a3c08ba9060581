import Candidates
import Runtime

Runtime.main(GetRoleHandler.self)
