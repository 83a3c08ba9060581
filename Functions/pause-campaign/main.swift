import Interviews
import Runtime

Runtime.main(PauseCampaignHandler.self)
