"""Forms for the review queue. Shape only: the services decide and validate."""

from __future__ import annotations

from django import forms


class MergeForm(forms.Form):
    """Merge the pair: which record to keep, and why they are the same person."""

    survivor = forms.ChoiceField(
        label="Which record do you want to keep?",
        widget=forms.RadioSelect,
        help_text="The other record is merged into it. Both histories are kept and the merge can be undone.",
        error_messages={"required": "Choose which record to keep"},
    )
    reason = forms.CharField(
        label="Why are these the same person?",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "Enter why these records are the same person"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: object, choices: list[tuple[str, str]] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        survivor = self.fields["survivor"]
        assert isinstance(survivor, forms.ChoiceField)
        survivor.choices = choices or []


class NotDuplicateForm(forms.Form):
    """The two records are different people."""

    reason = forms.CharField(
        label="Why are these different people?",
        widget=forms.Textarea,
        max_length=2000,
        help_text="For example: twins, or a parent and child with the same name.",
        error_messages={"required": "Enter why these are different people"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class UndoMergeForm(forms.Form):
    """Undo a merge: both records become separate again."""

    reason = forms.CharField(
        label="Why are you undoing this merge?",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "Enter why the merge is being undone"},
    )
    reopen = forms.BooleanField(
        label="Put the pair back in the review queue",
        required=False,
        help_text="Choose this if they are the same person but the wrong record was kept. Otherwise the pair is "
        "marked as not a duplicate.",
    )
