import Core
import Runtime

extension FunctionContext {
    /// The job this invocation runs for, when the worker started it (`JOB_ID`).
    package var jobID: Int? { config["JOB_ID"].flatMap { Int($0) } }

    /// Reports progress (0–100, with a message people can read) on this invocation's job, so
    /// `GET /jobs/{id}` can show it; outside a job it does nothing. A failure to record progress
    /// is logged and never fails the function.
    package func reportProgress(_ percent: Int, _ message: String? = nil) {
        guard let jobID else { return }
        do {
            try JobQueue(database: try database()).reportProgress(job: jobID, percent: percent, message: message, now: clock.now())
        } catch {
            logger.warning("job.progress_not_recorded", ["job": .number(Double(jobID))])
        }
    }
}
