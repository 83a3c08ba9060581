import Interviews
import Runtime

Runtime.main(CreateCampaignHandler.self)
