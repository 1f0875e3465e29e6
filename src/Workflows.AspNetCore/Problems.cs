using System.Collections.Generic;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Workflows.AspNetCore;

/// <summary>
/// RFC 7807 problem documents of the API: a title, a status, a detail fit for any client (never a stack trace).
/// Written with the API's own source-generated JSON metadata, not the app's JSON options: under NativeAOT an app's
/// options need not know <see cref="ProblemDetails"/>.
/// </summary>
internal static class Problems
{
    private const string ContentType = "application/problem+json";

    public static IResult NotFound(string detail) => Problem(StatusCodes.Status404NotFound, "Not found", detail);

    public static IResult Conflict(string detail) => Problem(StatusCodes.Status409Conflict, "The run cannot do that now", detail);

    public static IResult BadRequest(string detail) => Problem(StatusCodes.Status400BadRequest, "The request is not valid", detail);

    public static IResult Invalid(IDictionary<string, string[]> errors, string workflow)
        => Validation(errors, "Invalid inputs", $"The inputs of workflow '{workflow}' are not valid; nothing was started.");

    public static IResult Validation(IDictionary<string, string[]> errors, string title, string detail)
    {
        var problem = new HttpValidationProblemDetails(errors) { Status = StatusCodes.Status400BadRequest, Title = title, Detail = detail, Type = TypeOf(StatusCodes.Status400BadRequest) };
        return TypedResults.Json(problem, WorkflowApiJsonContext.Default.HttpValidationProblemDetails, ContentType, StatusCodes.Status400BadRequest);
    }

    public static IResult TooLarge(long max) => Problem(StatusCodes.Status413PayloadTooLarge, "Request body too large", $"The request body is larger than {max} bytes.");

    public static IResult Forbidden(string detail) => Problem(StatusCodes.Status403Forbidden, "Cross-site request refused", detail);

    public static IResult UnsupportedMediaType(string detail) => Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", detail);

    public static IResult ServerError() => Problem(StatusCodes.Status500InternalServerError, "Server error", "The server could not complete the request; its log has the details.");

    private static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<ProblemDetails> Problem(int status, string title, string detail)
        => TypedResults.Json(new ProblemDetails { Status = status, Title = title, Detail = detail, Type = TypeOf(status) }, WorkflowApiJsonContext.Default.ProblemDetails, ContentType, status);

    /// <summary>The section of RFC 9110 that defines the status, as ASP.NET Core's own problem documents name it.</summary>
    private static string TypeOf(int status) => status switch
    {
        400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        403 => "https://tools.ietf.org/html/rfc9110#section-15.5.4",
        404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        409 => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        413 => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        415 => "https://tools.ietf.org/html/rfc9110#section-15.5.16",
        _ => "https://tools.ietf.org/html/rfc9110#section-15.6.1",
    };
}
