"""Level presets (junior, mid, senior, staff): what a starter plan says for each level. Pure data.

A blank plan is where most PDPs stall, so `init` starts people with a plan that already says something
sensible for their level: the capability gaps to close on the way to the next level, short- and long-term
goals, resources, metrics, a promotion-readiness checklist and a weekly routine (the shape of the PDPs and
career ladders people actually write). The content is role-neutral; the role is named where it helps.

`vaultkit.scaffold.starter` turns a preset into the starter plan and its milestones.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LEVELS", "PRESETS", "Capability", "LevelPreset"]

LEVELS = ("junior", "mid", "senior", "staff")


@dataclass(frozen=True, slots=True)
class Capability:
    name: str
    current: str
    target: str
    priority: str


@dataclass(frozen=True, slots=True)
class LevelPreset:
    level: str
    label: str
    target: str
    target_label: str
    horizon: str
    months: int
    mission: str
    capabilities: tuple[Capability, ...]
    short_term: tuple[str, ...]
    long_term: tuple[str, ...]
    learning: tuple[str, ...]
    practice: tuple[str, ...]
    support: tuple[str, ...]
    metrics: tuple[tuple[str, str], ...]
    readiness: tuple[tuple[str, tuple[str, ...]], ...]
    routine: tuple[tuple[str, str], ...]
    principle: str


_FEEDBACK = (
    "Feedback & validation",
    (
        "Peer feedback collected and it names the target-level behaviours",
        "Manager confirms readiness in writing",
        "Promotion case drafted, with evidence linked from the milestones",
    ),
)

PRESETS: dict[str, LevelPreset] = {
    "junior": LevelPreset(
        level="junior",
        label="Junior",
        target="mid",
        target_label="Mid-level",
        horizon="6–12 months",
        months=12,
        mission=(
            "Build solid foundations: deliver well-scoped work reliably and learn how the team's systems fit."
        ),
        capabilities=(
            Capability("Core craft for the role", "Learning", "Competent", "High"),
            Capability("Quality: testing, debugging, reviews", "Learning", "Competent", "High"),
            Capability(
                "Tooling and workflow (version control, CI, tickets)", "Learning", "Competent", "Medium"
            ),
            Capability("Communication and asking for help early", "Learning", "Competent", "Medium"),
            Capability("Delivery: finishing scoped work end to end", "Learning", "Competent", "Medium"),
        ),
        short_term=(
            "Finish one structured course on a core skill of the role",
            "Ship three small changes end to end, from ticket to production",
            "Pair with a senior colleague for an hour every week",
            "Write down how the team's main system works and have it reviewed",
        ),
        long_term=(
            "Own a small feature from design to release",
            "Review teammates' work every week with useful comments",
            "Give a short internal demo of something you learned",
            "Become the go-to person for one tool or area",
        ),
        learning=(
            "Book: a classic on the craft of your role, one chapter a week",
            "Course: one structured course on the team's main language or tool",
            "The team's own docs, runbooks and past design documents",
        ),
        practice=(
            "A small side project that uses the team's stack",
            "Exercises from public datasets, katas or open issues",
        ),
        support=(
            "Weekly 1:1 with a mentor",
            "Internal lunch-and-learn sessions",
            "The education budget, planned at the start of the year",
        ),
        metrics=(
            ("Changes shipped per month", "3+"),
            ("Review comments acted on within a day", "Most"),
            ("Time stuck before asking for help", "Under an hour"),
        ),
        readiness=(
            (
                "Technical",
                (
                    "Deliver scoped features with little guidance",
                    "Find and fix bugs in your area without help",
                    "Write tests that catch real regressions",
                ),
            ),
            (
                "Collaboration",
                (
                    "Give code reviews teammates find useful",
                    "Explain your work clearly in stand-ups and write-ups",
                ),
            ),
            _FEEDBACK,
        ),
        routine=(
            ("Mon–Wed", "45 minutes of deliberate practice on the core skill"),
            ("Thu", "Review a teammate's work and read one design doc"),
            ("Fri", "Write down what you learned in the journal"),
            ("Sun", "Weekly review: look back, plan next week"),
        ),
        principle="Master the foundations before chasing tools: depth beats breadth early in a career.",
    ),
    "mid": LevelPreset(
        level="mid",
        label="Mid-level",
        target="senior",
        target_label="Senior",
        horizon="12–18 months",
        months=18,
        mission=(
            "Own systems end to end and widen impact beyond your own tasks: design, reliability, mentoring."
        ),
        capabilities=(
            Capability("System design", "Competent", "Advanced", "High"),
            Capability("Scalability and performance", "Competent", "Advanced", "High"),
            Capability("Operational excellence: observability, incidents", "Competent", "Advanced", "Medium"),
            Capability("Cross-functional collaboration", "Competent", "Advanced", "Medium"),
            Capability("Mentoring", "Learning", "Competent", "Medium"),
        ),
        short_term=(
            "Finish an in-depth course or certification for the team's main platform",
            "Write the design document for a feature that spans two components",
            "Improve one production system's reliability, speed or cost, and measure it",
            "Mentor one junior colleague through reviews and pairing",
        ),
        long_term=(
            "Lead a project that involves another team, from proposal to launch",
            "Introduce a practice the team keeps (quality checks, runbooks, on-call hygiene)",
            "Become the owner of a system the business depends on",
            "Be seen by peers as working at the senior level",
        ),
        learning=(
            "Book: Designing Data-Intensive Applications (Martin Kleppmann)",
            "Course: an advanced course on the platform you use most",
            "Post-mortems and design reviews from other teams",
        ),
        practice=(
            "A cost or performance challenge on a real system, with before and after numbers",
            "A small open-source contribution to a tool the team relies on",
        ),
        support=(
            "Regular architecture reviews with a senior or principal engineer",
            "A short rotation with an adjacent team",
            "Conference budget: one event a year",
        ),
        metrics=(
            ("Service levels met by systems you own", "95%+"),
            ("Measured improvement you delivered (cost, speed, reliability)", "One a quarter"),
            ("People you mentor", "1–2"),
            ("Design documents written and approved", "2+"),
        ),
        readiness=(
            (
                "Technical",
                (
                    "Design systems that others build on",
                    "Lead incident response and prevent repeats",
                    "Make trade-offs explicit in written designs",
                ),
            ),
            (
                "Leadership & influence",
                (
                    "Lead a project end to end",
                    "Mentor a colleague to visible progress",
                    "Influence a decision beyond your own team",
                ),
            ),
            _FEEDBACK,
        ),
        routine=(
            ("Mon–Wed", "An hour on system design: read, sketch, review"),
            ("Thu", "Mentoring or pairing session"),
            ("Fri", "Write a short note on a decision or a lesson"),
            ("Sun", "Weekly review: look back, plan next week"),
        ),
        principle="Your value lies in turning needs into designs that hold at scale.",
    ),
    "senior": LevelPreset(
        level="senior",
        label="Senior",
        target="staff",
        target_label="Staff",
        horizon="18–24 months",
        months=24,
        mission="Shape the technical direction of several teams and grow the people around you.",
        capabilities=(
            Capability("Architecture across systems", "Advanced", "Expert", "High"),
            Capability("Technical strategy", "Competent", "Advanced", "High"),
            Capability("Influence across teams", "Competent", "Advanced", "High"),
            Capability("Standards and governance", "Advanced", "Expert", "Medium"),
            Capability("Developing others", "Advanced", "Expert", "Medium"),
        ),
        short_term=(
            "Write a technical vision for your area and get it reviewed by the teams it affects",
            "Lead a cross-team initiative with a measurable outcome",
            "Define a standard that at least two teams adopt",
            "Mentor two or three mid-level engineers",
        ),
        long_term=(
            "Architect an organisation-wide change and see it through",
            "Deliver a reliability or cost improvement at organisation scale",
            "Sponsor someone you mentor to their promotion",
            "Be recognised by peers at the staff level",
        ),
        learning=(
            "Book: Staff Engineer (Will Larson)",
            "Book: The Staff Engineer's Path (Tanya Reilly)",
            "Architecture reviews and strategy documents from across the company",
        ),
        practice=(
            "Run a design review for another team",
            "Present a proposal to leadership and handle the questions",
        ),
        support=(
            "Monthly sessions with a staff or principal engineer",
            "A sponsor in leadership who knows your goal",
            "Conference budget: speak once a year",
        ),
        metrics=(
            ("Teams adopting standards you defined", "2+"),
            ("Cross-team initiatives delivered", "1–2 a year"),
            ("People you mentored who were promoted", "1+"),
            ("Measured organisation-level improvement", "Documented"),
        ),
        readiness=(
            (
                "Technical",
                (
                    "Own the architecture of a multi-team area",
                    "Write strategy that teams use to make decisions",
                    "Spot and retire major technical risks early",
                ),
            ),
            (
                "Leadership & influence",
                (
                    "Lead cross-team initiatives to success",
                    "Define standards other teams adopt",
                    "Grow other engineers to the next level",
                ),
            ),
            (
                "Business impact",
                (
                    "Deliver results leadership can name",
                    "Connect technical work to business goals in writing",
                ),
            ),
            _FEEDBACK,
        ),
        routine=(
            ("Mon", "Strategy time: write or refine the vision"),
            ("Tue–Wed", "Design reviews and cross-team syncs"),
            ("Thu", "Mentoring sessions"),
            ("Fri", "Write: a decision record, a blog post or an internal talk"),
            ("Sun", "Weekly review: look back, plan next week"),
        ),
        principle="Make complex architectures feel inevitable, not impossible.",
    ),
    "staff": LevelPreset(
        level="staff",
        label="Staff",
        target="principal",
        target_label="Principal",
        horizon="24+ months",
        months=24,
        mission="Set technical direction for the organisation and multiply the impact of many teams.",
        capabilities=(
            Capability("Organisation-wide technical strategy", "Advanced", "Expert", "High"),
            Capability("Executive communication", "Competent", "Advanced", "High"),
            Capability("Architecture of many teams' systems", "Advanced", "Expert", "Medium"),
            Capability("Talent development", "Advanced", "Expert", "Medium"),
            Capability("External presence", "Learning", "Competent", "Low"),
        ),
        short_term=(
            "Publish a 12-month technical strategy and review it with leadership",
            "Set up an architecture review practice that teams use",
            "Sponsor two engineers towards their next level",
            "Retire one organisation-wide technical risk",
        ),
        long_term=(
            "Lead a transformation that spans several quarters",
            "Give an external talk or publish an article",
            "Grow a pipeline of senior and staff engineers",
            "Be recognised at the principal level",
        ),
        learning=(
            "Book: The Manager's Path (Camille Fournier) for the leadership view",
            "Book: Good Strategy Bad Strategy (Richard Rumelt)",
            "Industry case studies of large migrations",
        ),
        practice=(
            "Write a one-page strategy memo every quarter",
            "Review another organisation's architecture",
        ),
        support=(
            "A principal engineer or CTO as mentor",
            "A peer group of staff engineers",
            "Budget for one external talk a year",
        ),
        metrics=(
            ("Strategy decisions teams cite", "Tracked"),
            ("Engineers you sponsored who were promoted", "2+"),
            ("Organisation-wide risks retired", "1+ a year"),
        ),
        readiness=(
            (
                "Strategy",
                (
                    "Your strategy shapes the organisation's roadmap",
                    "Leadership seeks your view on major decisions",
                ),
            ),
            (
                "Leadership & influence",
                (
                    "Engineers across the organisation grow through your sponsorship",
                    "Your practices are used beyond your own area",
                ),
            ),
            _FEEDBACK,
        ),
        routine=(
            ("Mon", "Strategy and writing"),
            ("Tue–Thu", "Reviews, sponsorship and cross-team work"),
            ("Fri", "External: reading, writing, community"),
            ("Sun", "Weekly review: look back, plan next week"),
        ),
        principle="Your job is to make the organisation's next hard decision easier.",
    ),
}
