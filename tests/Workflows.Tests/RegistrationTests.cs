using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Workflows.Hosting;
using Xunit;

namespace Workflows.Tests;

/// <summary>The generated registrations: what a host uses to create and run workflows without reflection.</summary>
public sealed class RegistrationTests
{
    private sealed class Services(params object[] services) : IServiceProvider
    {
        public object? GetService(Type serviceType) => services.FirstOrDefault(serviceType.IsInstanceOfType);
    }

    [Fact]
    public void Every_workflow_of_the_project_is_listed_once()
    {
        var names = WorkflowRegistrations.All.Select(r => r.Name).ToList();

        Assert.Contains("scheduled-report", names);
        Assert.Contains("durable-orders", names);
        Assert.Contains("fan-out", names);
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Same(ScheduledReportWorkflow.Registration, WorkflowRegistrations.All.Single(r => r.Name == "scheduled-report"));
    }

    [Fact]
    public async Task A_registration_creates_the_workflow_from_services_and_starts_a_scheduled_run()
    {
        var probe = new Probe();
        var registration = ScheduledReportWorkflow.Registration;

        var workflow = registration.Create(new Services(probe));
        await registration.RunScheduledAsync!(workflow, "schedule:scheduled-report:2026-11-22T01:30Z", CancellationToken.None);

        Assert.Equal(new[] { "report nightly" }, probe.Finished);
        var schedule = Assert.Single(registration.Schedules);
        Assert.Equal(("30 2 * * *", "Europe/Berlin"), (schedule.Cron, schedule.TimeZone));
        Assert.False(registration.IsDurable);
        Assert.Null(registration.RecoverAsync);
    }

    [Fact]
    public void A_missing_service_is_named()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => ScheduledReportWorkflow.Registration.Create(new Services()));

        Assert.Contains("Workflows.Tests.Probe", failure.Message);
    }

    [Fact]
    public void Workflows_with_required_inputs_cannot_be_scheduled_and_durable_ones_can_be_recovered()
    {
        Assert.Null(FulfilOrdersWorkflow.Registration.RunScheduledAsync); // orders: required
        Assert.True(DurableOrdersWorkflow.Registration.IsDurable);
        Assert.NotNull(DurableOrdersWorkflow.Registration.RecoverAsync);
    }
}
