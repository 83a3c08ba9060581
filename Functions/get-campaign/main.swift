import Interviews
import Runtime

Runtime.main(GetCampaignHandler.self)
