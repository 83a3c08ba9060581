import Interviews
import Runtime

Runtime.main(LaunchCampaignHandler.self)
