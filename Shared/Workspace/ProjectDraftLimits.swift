/// The one place for how long a project draft's parts may be: generation's output schema,
/// PATCH, the chat's tools, the chat prompt and create-project all read these, so a draft one of
/// them makes is never refused or cut by another.
package enum ProjectDraftLimits {
    /// A draft's title becomes the Linear project's name, and Linear refuses names longer than
    /// 80 characters ("name must be shorter than or equal to 80 characters"): a draft keeps to
    /// it, so every draft can become a project without an edit.
    package static let title = 80
    /// The Markdown description (the project's content in Linear).
    package static let description = 20_000

    /// Generation's parts, chosen so the rendered Markdown (`ProjectDraftTask.Output.markdown`)
    /// of the longest answer the schema allows stays within `description`: the problem, and four
    /// lists (goals, scope, milestones, open questions) of at most `items` items each.
    package static let problem = 4_000
    package static let item = 300
    package static let items = 12
}
