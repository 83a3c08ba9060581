import Interviews
import Runtime

Runtime.main(SendOutreachHandler.self)
