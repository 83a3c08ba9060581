import Store

/// The tables Sales owns, all named `sales_*`: companies, prospects, interactions and the solution
/// catalogue here; the search index, imports, research runs and the enrichment cache in the files
/// next to the code that uses them (communications, events, outreach drafts, the architecture
/// search cache too). Registered in `Catalog.migrations`; append new steps to the
/// list of the concern they belong to, never edit a released one.
package enum SalesSchema {
    package static let migrations: [Migration] =
        [core] + SolutionSearchSchema.migrations + ProspectImportSchema.migrations
        + ResearchSchema.migrations + EnrichmentCacheSchema.migrations
        + CommunicationsSchema.migrations + EventsSchema.migrations + OutreachSchema.migrations
        + ReferenceArchitectureSchema.migrations

    /// Companies are unique by `name_key` (the name folded: case, punctuation and legal suffixes
    /// removed), so "Acme Corp" and "ACME Corp." are one company; `name` keeps the first spelling.
    /// JSON columns (`tech_stack`, `pain_points`, `use_cases`, …) hold JSON text.
    static let core = Migration("sales.core", """
        CREATE TABLE sales_companies (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            name_key TEXT NOT NULL UNIQUE,
            industry TEXT,
            size TEXT,
            linkedin_url TEXT,
            website TEXT,
            tech_stack TEXT,
            pain_points TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE sales_prospects (
            id INTEGER PRIMARY KEY,
            linkedin_url TEXT NOT NULL UNIQUE,
            full_name TEXT NOT NULL,
            title TEXT NOT NULL,
            company_name TEXT NOT NULL,
            company_id INTEGER REFERENCES sales_companies (id),
            company_size TEXT,
            industry TEXT,
            location TEXT,
            email TEXT,
            phone TEXT,
            status TEXT NOT NULL DEFAULT 'new',
            last_contacted TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX sales_prospects_by_status ON sales_prospects (status, id);
        CREATE INDEX sales_prospects_by_company ON sales_prospects (company_id);
        CREATE TABLE sales_interactions (
            id INTEGER PRIMARY KEY,
            prospect_id INTEGER NOT NULL REFERENCES sales_prospects (id),
            interaction_type TEXT NOT NULL,
            subject TEXT,
            content TEXT NOT NULL,
            sentiment TEXT,
            outcome TEXT,
            interaction_date TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX sales_interactions_by_prospect ON sales_interactions (prospect_id, interaction_date);
        CREATE TABLE sales_solutions (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            category TEXT NOT NULL,
            description TEXT NOT NULL,
            use_cases TEXT NOT NULL DEFAULT '[]',
            industries TEXT NOT NULL DEFAULT '[]',
            keywords TEXT NOT NULL DEFAULT '[]',
            pricing_model TEXT NOT NULL,
            docs_url TEXT,
            source TEXT NOT NULL DEFAULT 'catalogue',
            last_updated TEXT NOT NULL
        );
        CREATE INDEX sales_solutions_by_category ON sales_solutions (category, id);
        """)
}
