import Interviews
import Runtime

Runtime.main(ListCampaignsHandler.self)
